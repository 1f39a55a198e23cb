/**
 * The definition as YAML text, edited in place: every valid edit replaces the definition the
 * canvas and the forms show; a syntax error is shown with its line and changes nothing.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { parse, stringify, YAMLParseError } from 'yaml';
import { asDefinition, type Definition, type LocatedProblem } from '../lib/definition';

export function definitionToYaml(definition: Definition): string {
  return stringify(definition, { lineWidth: 0 });
}

/** Parses YAML text into a definition, or says why it cannot. */
export function yamlToDefinition(text: string): { definition?: Definition; error?: string } {
  try {
    return { definition: asDefinition(parse(text)) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      return {
        error: where ? `Line ${where.line}, column ${where.col}: ${error.message.split('\n')[0]}` : error.message,
      };
    }
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function YamlView({
  definition,
  onChange,
  problems,
}: {
  definition: Definition;
  onChange(definition: Definition): void;
  problems: LocatedProblem[];
}) {
  const [text, setText] = useState(() => definitionToYaml(definition));
  const [error, setError] = useState<string | null>(null);
  const emitted = useRef<Definition | null>(null);

  // An edit made elsewhere (undo, another view) replaces the text; our own edits keep the user's text.
  useEffect(() => {
    if (definition !== emitted.current) {
      setText(definitionToYaml(definition));
      setError(null);
    }
  }, [definition]);

  // Parses the text and, when it says something new, hands the definition over.
  const latest = useRef({ text, definition, onChange });
  latest.current = { text, definition, onChange };
  const [pending, setPending] = useState(false);
  const apply = useCallback((report: boolean) => {
    const { text: current, definition: shown, onChange: emit } = latest.current;
    const result = yamlToDefinition(current);
    if (report) {
      setPending(false);
      setError(result.error ?? null);
    }
    if (result.definition && definitionToYaml(result.definition) !== definitionToYaml(shown)) {
      emitted.current = result.definition;
      emit(result.definition);
    }
  }, []);

  useEffect(() => {
    const timer = window.setTimeout(() => apply(true), 350);
    return () => window.clearTimeout(timer);
  }, [text, apply]);

  // Leaving the YAML view (another tab) keeps the last edit, even one typed a moment ago.
  useEffect(() => () => apply(false), [apply]);

  return (
    <div className="yaml-editor">
      <label htmlFor="yaml-text" className="visually-hidden">
        Definition as YAML
      </label>
      <textarea
        id="yaml-text"
        className="code"
        spellCheck={false}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setPending(true);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
            // Indent with two spaces; Escape then Tab leaves the editor.
            if (event.currentTarget.dataset.escaped === '1') {
              event.currentTarget.dataset.escaped = '';
              return;
            }
            event.preventDefault();
            const target = event.currentTarget;
            const { selectionStart, selectionEnd } = target;
            const next = `${text.slice(0, selectionStart)}  ${text.slice(selectionEnd)}`;
            setText(next);
            window.requestAnimationFrame(() => target.setSelectionRange(selectionStart + 2, selectionStart + 2));
          }
          if (event.key === 'Escape') event.currentTarget.dataset.escaped = '1';
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby="yaml-status"
      />
      <div id="yaml-status" className={error ? 'yaml-status error' : 'yaml-status'} role="status">
        {pending
          ? 'Checking…'
          : error
            ? `YAML error — ${error}. The canvas keeps the last valid definition.`
            : 'YAML is valid; the canvas follows your edits. Press Escape, then Tab, to leave the editor.'}
      </div>
      {problems.length > 0 && !error && (
        <ul className="yaml-problems">
          {problems.map((problem, index) => (
            <li key={index}>
              <code>{problem.path}</code> {problem.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
