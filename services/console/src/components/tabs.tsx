import { useRef } from 'react';
import type { KeyboardEvent } from 'react';

/**
 * Tabs as the ARIA pattern has them: arrow keys move between tabs, Tab
 * goes to the open panel. The panel is the caller's, labelled by the tab.
 */
export function Tabs<T extends string>(props: {
  label: string;
  tabs: readonly { id: T; label: string }[];
  current: T;
  onChange(id: T): void;
  idPrefix: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const move = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const index = props.tabs.findIndex((tab) => tab.id === props.current);
    const next =
      props.tabs[(index + step + props.tabs.length) % props.tabs.length];
    if (!next) return;
    props.onChange(next.id);
    list.current
      ?.querySelector<HTMLButtonElement>(`#${props.idPrefix}-tab-${next.id}`)
      ?.focus();
  };

  return (
    <div
      role="tablist"
      aria-label={props.label}
      ref={list}
      onKeyDown={move}
      className="tabs"
    >
      {props.tabs.map((tab) => (
        <button
          key={tab.id}
          id={`${props.idPrefix}-tab-${tab.id}`}
          type="button"
          role="tab"
          aria-selected={tab.id === props.current}
          aria-controls={`${props.idPrefix}-panel-${tab.id}`}
          tabIndex={tab.id === props.current ? 0 : -1}
          onClick={() => props.onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** The panel of one tab. */
export function tabPanelProps(idPrefix: string, id: string) {
  return {
    role: 'tabpanel',
    id: `${idPrefix}-panel-${id}`,
    'aria-labelledby': `${idPrefix}-tab-${id}`,
  };
}
