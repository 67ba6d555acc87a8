import { useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';

export interface MenuItem {
  token: string;
  label: string;
}

/**
 * A menu button ("Champs de fusion", "Mini-site") whose items insert their
 * token where the caret was; a list of real buttons, so Tab, Enter and
 * Escape work as everywhere else.
 */
export function InsertMenu(props: {
  label: string;
  items: readonly MenuItem[];
  onInsert(token: string): void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const listId = useId();

  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    // Closes the menu only, not the dialog around it.
    event.preventDefault();
    event.stopPropagation();
    close();
  };

  return (
    <div className="insert-menu" onKeyDown={onKeyDown}>
      <button
        ref={toggle}
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        disabled={props.disabled}
        onClick={() => setOpen(!open)}
      >
        {props.label} ▾
      </button>
      {open && (
        <ul id={listId} className="menu-list" aria-label={props.label}>
          {props.items.map((item, index) => (
            <li key={item.token}>
              <button
                type="button"
                autoFocus={index === 0}
                onClick={() => {
                  setOpen(false);
                  props.onInsert(item.token);
                }}
              >
                {item.label} <code>{item.token}</code>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
