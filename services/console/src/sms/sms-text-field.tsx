import type { RefObject } from 'react';
import type { SmsPreview } from '../api/api-types';
import type { ApiError } from '../api/api-error';
import { insertAtCursor } from '../components/insert-at-cursor';
import { InsertMenu } from '../components/insert-menu';
import { ProblemMessage } from '../components/problem-message';
import { useSession } from '../session/session-context';
import { MERGE_FIELDS, MINI_SITE_FIELD } from './merge-fields';
import { SmsCounter } from './sms-counter';

/**
 * The SMS text with the "Champs de fusion" and "Mini-site" menus, which
 * insert at the caret, and the live counter under it.
 */
export function SmsTextField(props: {
  id: string;
  label: string;
  areaRef: RefObject<HTMLTextAreaElement | null>;
  value: string;
  onChange(value: string): void;
  preview: SmsPreview | null;
  stale: boolean;
  error: ApiError | null;
}) {
  const { shop } = useSession();
  const { areaRef } = props;
  const insert = (token: string) => {
    if (areaRef.current) props.onChange(insertAtCursor(areaRef.current, token));
  };

  return (
    <div className="compose-text">
      <div className="menus">
        <InsertMenu
          label="Champs de fusion"
          items={MERGE_FIELDS}
          onInsert={insert}
        />
        <InsertMenu
          label="Mini-site"
          items={[MINI_SITE_FIELD]}
          disabled={!shop.miniSiteUrl}
          onInsert={insert}
        />
      </div>
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        ref={areaRef}
        rows={5}
        value={props.value}
        aria-describedby={`${props.id}-counter`}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <SmsCounter
        id={`${props.id}-counter`}
        preview={props.preview}
        stale={props.stale}
        refused={props.error !== null}
      />
      <ProblemMessage error={props.error} />
    </div>
  );
}
