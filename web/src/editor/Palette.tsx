/**
 * The palette: gateways, built-in nodes and every plugin of the catalog. Drag an item onto the
 * canvas, or activate it (click, Enter) to add it after the selected node.
 */
import { memo, useMemo, useState } from 'react';
import type { PluginInfo } from '../api/types';
import { PALETTE_MIME } from '../graph/DagCanvas';
import { BUILTIN_NODE_TYPES, GATEWAY_TYPES, gatewaySymbol, NODE_TYPE_INFO } from '../lib/definition';

interface PaletteItem {
  type: string;
  title: string;
  description: string;
  deprecated?: boolean;
}

function Item({ item, onAdd, symbol }: { item: PaletteItem; onAdd(type: string): void; symbol?: string }) {
  return (
    <li>
      <button
        type="button"
        className={item.deprecated ? 'palette-item deprecated' : 'palette-item'}
        draggable
        data-type={item.type}
        aria-label={`${item.title} (${item.type})`}
        title={`${item.description}\nDrag onto the canvas, or press to add after the selected node.`}
        onDragStart={(event) => {
          event.dataTransfer.setData(PALETTE_MIME, item.type);
          event.dataTransfer.effectAllowed = 'copy';
        }}
        onClick={() => onAdd(item.type)}
      >
        {symbol && (
          <span className="palette-symbol" aria-hidden="true">
            {symbol}
          </span>
        )}
        <span className="palette-title">{item.title}</span>
        <code className="palette-type">{item.type}</code>
      </button>
    </li>
  );
}

export const Palette = memo(function Palette({
  plugins,
  onAdd,
  pluginsError,
}: {
  plugins: PluginInfo[] | undefined;
  pluginsError?: unknown;
  onAdd(type: string): void;
}) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const matches = (item: PaletteItem) =>
    !needle || item.type.toLowerCase().includes(needle) || item.title.toLowerCase().includes(needle);

  const pluginItems = useMemo(() => {
    const newest = new Map<string, PluginInfo>();
    for (const plugin of plugins ?? []) if (!newest.has(plugin.type)) newest.set(plugin.type, plugin);
    return [...newest.values()]
      .map((plugin) => ({
        type: plugin.type,
        title: plugin.title,
        description: plugin.description ?? plugin.title,
        deprecated: plugin.deprecated,
      }))
      .sort((a, b) => a.type.localeCompare(b.type));
  }, [plugins]);

  const gateways = GATEWAY_TYPES.map((type) => ({ type, ...NODE_TYPE_INFO[type] })).filter(matches);
  const builtins = BUILTIN_NODE_TYPES.map((type) => ({ type, ...NODE_TYPE_INFO[type] })).filter(matches);
  const shownPlugins = pluginItems.filter(matches);

  return (
    <aside className="palette" aria-label="Palette">
      <label htmlFor="palette-filter" className="visually-hidden">
        Filter the palette
      </label>
      <input
        id="palette-filter"
        type="search"
        placeholder="Filter nodes"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      <h3>Plugins</h3>
      {pluginsError ? (
        <p className="field-error">The plugin catalog could not be loaded.</p>
      ) : !plugins ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul>
          {shownPlugins.map((item) => (
            <Item key={item.type} item={item} onAdd={onAdd} />
          ))}
          {shownPlugins.length === 0 && <li className="muted">No plugin matches.</li>}
        </ul>
      )}
      <h3>Gateways</h3>
      <ul>
        {gateways.map((item) => (
          <Item key={item.type} item={item} onAdd={onAdd} symbol={gatewaySymbol(item.type)} />
        ))}
      </ul>
      <h3>Built-in</h3>
      <ul>
        {builtins.map((item) => (
          <Item key={item.type} item={item} onAdd={onAdd} />
        ))}
      </ul>
    </aside>
  );
});
