/**
 * A form drawn from a JSON Schema: plugin inputs in the editor, run inputs in the start form,
 * edited inputs when retrying a node. Strings may hold `${expr}`; so may number and boolean
 * fields (typed as text). What the form cannot draw is edited as JSON.
 */
import { memo, useEffect, useState } from 'react';
import type { JsonObject, JsonSchema, JsonValue } from '../lib/definition';
import {
  fieldKind,
  isExpression,
  labelOf,
  parseNumberText,
  parseScalarText,
  properties,
  requiredKeys,
  schemaTypes,
} from '../lib/schema';

/** Messages per field path relative to the form (`url`, `headers.accept`, `` for the whole). */
export type FieldErrors = Map<string, string[]>;

interface FieldProps {
  id: string;
  path: string;
  name: string;
  schema: JsonSchema;
  value: JsonValue | undefined;
  required: boolean;
  onChange(value: JsonValue | undefined): void;
  errors?: FieldErrors;
}

const LONG_TEXT = /command|script|body|message|query|template|description|comment/i;

function errorsUnder(errors: FieldErrors | undefined, path: string): string[] {
  if (!errors) return [];
  return errors.get(path) ?? [];
}

function FieldMessages({ id, messages, description }: { id: string; messages: string[]; description?: unknown }) {
  return (
    <>
      {typeof description === 'string' && description && (
        <div className="field-help" id={`${id}-help`}>
          {description}
        </div>
      )}
      {messages.map((message, index) => (
        <div className="field-error" key={index} role="alert">
          {message}
        </div>
      ))}
    </>
  );
}

function describedBy(id: string, schema: JsonSchema): string | undefined {
  return typeof schema.description === 'string' && schema.description ? `${id}-help` : undefined;
}

function Label({ id, name, schema, required }: { id: string; name: string; schema: JsonSchema; required: boolean }) {
  return (
    <label htmlFor={id} className="field-label">
      {labelOf(name, schema)}
      {required && (
        <span className="required" aria-label="required">
          {' '}
          *
        </span>
      )}
      {labelOf(name, schema) !== name && <code className="field-key">{name}</code>}
    </label>
  );
}

function placeholderOf(schema: JsonSchema): string | undefined {
  if (schema.default === undefined) return undefined;
  return `default: ${typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default)}`;
}

function StringField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const messages = errorsUnder(errors, path);
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const long = LONG_TEXT.test(name) || (typeof schema.maxLength === 'number' && schema.maxLength > 200);
  const common = {
    id,
    value: text,
    placeholder: placeholderOf(schema),
    'aria-invalid': messages.length > 0 || undefined,
    'aria-describedby': describedBy(id, schema),
    'aria-required': required || undefined,
  };
  return (
    <div className="field">
      <Label id={id} name={name} schema={schema} required={required} />
      {long ? (
        <textarea
          {...common}
          rows={3}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      ) : (
        <input
          {...common}
          type="text"
          spellCheck={false}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
        />
      )}
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </div>
  );
}

function NumberField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const integer = schemaTypes(schema).includes('integer');
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    setText((current) =>
      parseNumberText(current, integer) === value ? current : value === undefined ? '' : String(value),
    );
  }, [value, integer]);
  const messages = errorsUnder(errors, path);
  return (
    <div className="field">
      <Label id={id} name={name} schema={schema} required={required} />
      <input
        id={id}
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        value={text}
        placeholder={placeholderOf(schema) ?? (integer ? 'a whole number or ${expr}' : 'a number or ${expr}')}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy(id, schema)}
        onChange={(event) => {
          setText(event.target.value);
          onChange(parseNumberText(event.target.value, integer));
        }}
      />
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </div>
  );
}

function SelectField({
  id,
  path,
  name,
  schema,
  value,
  required,
  onChange,
  errors,
  options,
}: FieldProps & { options: JsonValue[] }) {
  const messages = errorsUnder(errors, path);
  const encoded = options.map((option) => JSON.stringify(option));
  const current = value === undefined ? '' : JSON.stringify(value);
  const extra = current && !encoded.includes(current) ? [current] : [];
  return (
    <div className="field">
      <Label id={id} name={name} schema={schema} required={required} />
      <select
        id={id}
        value={current}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy(id, schema)}
        onChange={(event) =>
          onChange(event.target.value === '' ? undefined : (JSON.parse(event.target.value) as JsonValue))
        }
      >
        <option value="">{schema.default !== undefined ? `(default: ${String(schema.default)})` : '(not set)'}</option>
        {[...encoded, ...extra].map((option) => {
          const parsed = JSON.parse(option) as JsonValue;
          return (
            <option key={option} value={option}>
              {typeof parsed === 'string' ? parsed : option}
            </option>
          );
        })}
      </select>
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </div>
  );
}

function ScalarField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const messages = errorsUnder(errors, path);
  return (
    <div className="field">
      <Label id={id} name={name} schema={schema} required={required} />
      <input
        id={id}
        type="text"
        spellCheck={false}
        value={value === undefined ? '' : String(value)}
        placeholder={placeholderOf(schema)}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy(id, schema)}
        onChange={(event) => onChange(parseScalarText(event.target.value, schema))}
      />
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </div>
  );
}

function BooleanField(props: FieldProps) {
  if (isExpression(props.value)) return <StringField {...props} />;
  return <SelectField {...props} options={[true, false]} />;
}

function ListField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const items = Array.isArray(value) ? value : [];
  const itemSchema = (schema.items ?? {}) as JsonSchema;
  const messages = errorsUnder(errors, path);
  const set = (next: JsonValue[]) => onChange(next.length ? next : undefined);
  return (
    <fieldset className="field field-group">
      <legend className="field-label">
        {labelOf(name, schema)}
        {required && <span className="required"> *</span>}
      </legend>
      {items.map((item, index) => (
        <div className="row" key={index}>
          <div className="grow">
            <Field
              id={`${id}-${index}`}
              path={`${path}[${index}]`}
              name={`${name} ${index + 1}`}
              schema={itemSchema}
              value={item}
              required={false}
              errors={errors}
              onChange={(next) => set(items.map((old, i) => (i === index ? (next ?? '') : old)))}
            />
          </div>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-label={`Remove ${labelOf(name, schema)} ${index + 1}`}
            onClick={() => set(items.filter((_, i) => i !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => set([...items, ''])}>
        Add {labelOf(name, schema).toLowerCase()}
      </button>
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </fieldset>
  );
}

function MapField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
  const [rows, setRows] = useState<Array<[string, string]>>(() =>
    entries.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
  useEffect(() => {
    const fromValue = entries.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string]);
    setRows((current) => {
      const named = current.filter(([k]) => k !== '');
      return JSON.stringify(named) === JSON.stringify(fromValue) ? current : fromValue;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(value)]);
  const messages = errorsUnder(errors, path);
  const commit = (next: Array<[string, string]>) => {
    setRows(next);
    const object: JsonObject = {};
    for (const [k, v] of next) if (k !== '') object[k] = v;
    onChange(Object.keys(object).length ? object : undefined);
  };
  return (
    <fieldset className="field field-group">
      <legend className="field-label">
        {labelOf(name, schema)}
        {required && <span className="required"> *</span>}
      </legend>
      {rows.map(([key, text], index) => (
        <div className="row" key={index}>
          <input
            aria-label={`${labelOf(name, schema)} name ${index + 1}`}
            className="map-key"
            value={key}
            placeholder="name"
            onChange={(event) => commit(rows.map((row, i) => (i === index ? [event.target.value, row[1]] : row)))}
          />
          <input
            aria-label={`${labelOf(name, schema)} value ${index + 1}`}
            className="grow"
            value={text}
            placeholder="value"
            onChange={(event) => commit(rows.map((row, i) => (i === index ? [row[0], event.target.value] : row)))}
          />
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-label={`Remove ${labelOf(name, schema)} ${key || index + 1}`}
            onClick={() => commit(rows.filter((_, i) => i !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => setRows([...rows, ['', '']])}>
        Add entry
      </button>
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </fieldset>
  );
}

/** A JSON text area; a union that allows strings takes non-JSON text as a string. */
export function JsonField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  const allowsString = schemaTypes(schema).includes('string') || schemaTypes(schema).length === 0;
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() !== '' && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        if (current === value) return current;
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  const messages = errorsUnder(errors, path);
  return (
    <div className="field">
      <Label id={id} name={name} schema={schema} required={required} />
      <textarea
        id={id}
        className="code"
        rows={Math.min(10, Math.max(3, text.split('\n').length))}
        value={text}
        spellCheck={false}
        placeholder={allowsString ? 'JSON, or plain text' : 'JSON'}
        aria-invalid={messages.length > 0 || parseError !== null || undefined}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === '') {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(next) as JsonValue);
            setParseError(null);
          } catch (error) {
            if (allowsString && schemaTypes(schema).includes('string')) {
              setParseError(null);
              onChange(next);
            } else {
              setParseError(`Not valid JSON: ${(error as Error).message}`);
            }
          }
        }}
      />
      {parseError && (
        <div className="field-error" role="alert">
          {parseError}
        </div>
      )}
      <FieldMessages id={id} messages={messages} description={schema.description} />
    </div>
  );
}

function ObjectField({ id, path, name, schema, value, required, onChange, errors }: FieldProps) {
  return (
    <fieldset className="field field-group">
      <legend className="field-label">
        {labelOf(name, schema)}
        {required && <span className="required"> *</span>}
      </legend>
      <ObjectFields
        idPrefix={id}
        pathPrefix={path}
        schema={schema}
        value={value && typeof value === 'object' && !Array.isArray(value) ? value : undefined}
        onChange={onChange}
        errors={errors}
      />
      <FieldMessages id={id} messages={errorsUnder(errors, path)} description={schema.description} />
    </fieldset>
  );
}

function Field(props: FieldProps) {
  const kind = fieldKind(props.schema);
  switch (kind) {
    case 'string':
      return <StringField {...props} />;
    case 'number':
    case 'integer':
      return <NumberField {...props} />;
    case 'boolean':
      return <BooleanField {...props} />;
    case 'enum':
      return <SelectField {...props} options={(props.schema.enum as JsonValue[]) ?? []} />;
    case 'object':
      return <ObjectField {...props} />;
    case 'map':
      return <MapField {...props} />;
    case 'list':
      return <ListField {...props} />;
    case 'scalar':
      return <ScalarField {...props} />;
    default:
      return <JsonField {...props} />;
  }
}

function ObjectFields({
  idPrefix,
  pathPrefix,
  schema,
  value,
  onChange,
  errors,
}: {
  idPrefix: string;
  pathPrefix: string;
  schema: JsonSchema;
  value: JsonObject | undefined;
  onChange(value: JsonObject | undefined): void;
  errors?: FieldErrors;
}) {
  const props = properties(schema);
  const required = requiredKeys(schema);
  const known = new Set(Object.keys(props));
  const extra: JsonObject = {};
  for (const [key, member] of Object.entries(value ?? {})) if (!known.has(key)) extra[key] = member;
  const allowsExtra = schema.additionalProperties !== false;
  const hasExtra = Object.keys(extra).length > 0;

  const set = (key: string, member: JsonValue | undefined) => {
    const next: JsonObject = { ...(value ?? {}) };
    if (member === undefined) delete next[key];
    else next[key] = member;
    onChange(Object.keys(next).length ? next : undefined);
  };
  const setExtra = (members: JsonValue | undefined) => {
    const next: JsonObject = {};
    for (const [key, member] of Object.entries(value ?? {})) if (known.has(key)) next[key] = member;
    if (members && typeof members === 'object' && !Array.isArray(members)) Object.assign(next, members);
    onChange(Object.keys(next).length ? next : undefined);
  };
  const child = (key: string) => (pathPrefix ? `${pathPrefix}.${key}` : key);

  return (
    <>
      {Object.entries(props).map(([key, propSchema]) => (
        <Field
          key={key}
          id={`${idPrefix}-${key}`}
          path={child(key)}
          name={key}
          schema={propSchema}
          value={value?.[key]}
          required={required.has(key)}
          errors={errors}
          onChange={(member) => set(key, member)}
        />
      ))}
      {(hasExtra || (allowsExtra && known.size === 0)) && (
        <JsonField
          id={`${idPrefix}-extra`}
          path={pathPrefix}
          name={known.size ? 'Other settings' : 'Settings'}
          schema={{ type: 'object', description: known.size ? 'Keys this form does not know, as JSON.' : undefined }}
          value={hasExtra ? extra : undefined}
          required={false}
          errors={known.size ? undefined : errors}
          onChange={setExtra}
        />
      )}
    </>
  );
}

export interface SchemaFormProps {
  /** The object schema to draw. */
  schema: JsonSchema;
  value: JsonObject | undefined;
  onChange(value: JsonObject | undefined): void;
  errors?: FieldErrors;
  /** Makes the ids of the inputs unique on the page. */
  idPrefix: string;
}

/** The form of an object schema; `value` is the object (undefined when empty). */
export const SchemaForm = memo(function SchemaForm({ schema, value, onChange, errors, idPrefix }: SchemaFormProps) {
  const kind = fieldKind(schema);
  if (kind !== 'object') {
    return (
      <JsonField
        id={`${idPrefix}-json`}
        path=""
        name="Settings (JSON)"
        schema={{ ...schema, type: 'object' }}
        value={value}
        required={false}
        errors={errors}
        onChange={(next) => onChange(next && typeof next === 'object' && !Array.isArray(next) ? next : undefined)}
      />
    );
  }
  return (
    <div className="schema-form">
      <ObjectFields
        idPrefix={idPrefix}
        pathPrefix=""
        schema={schema}
        value={value}
        onChange={onChange}
        errors={errors}
      />
      {errorsUnder(errors, '').map((message, index) => (
        <div className="field-error" key={index} role="alert">
          {message}
        </div>
      ))}
    </div>
  );
});
