import { useEffect, useRef } from 'react';
import type { RefObject } from 'react';

const FONTS = [
  'Helvetica',
  'Arial',
  'Georgia',
  'Times New Roman',
  'Verdana',
  'Courier New',
];

// The editing commands the browser still implements; the API sanitises
// whatever markup they produce (font, span styles, alignment).
const FORMATS = [
  { command: 'bold', label: 'Gras', text: 'B' },
  { command: 'italic', label: 'Italique', text: 'I' },
  { command: 'underline', label: 'Souligné', text: 'U' },
  { command: 'superscript', label: 'Exposant', text: 'T⁺' },
  { command: 'subscript', label: 'Indice', text: 'T₁' },
  { command: 'justifyLeft', label: 'Aligner à gauche', text: '⇤' },
  { command: 'justifyCenter', label: 'Centrer', text: '↔' },
  { command: 'justifyRight', label: 'Aligner à droite', text: '⇥' },
  { command: 'justifyFull', label: 'Justifier', text: '☰' },
];

/**
 * The manual's "mini traitement de texte": fonts, colours, bold, italic,
 * underline, superscript, subscript and alignment over an editable area.
 * The toolbar keeps the editor's selection, so keyboard users can select
 * text, Tab to a button and apply it.
 */
export function RichTextEditor(props: {
  editorRef: RefObject<HTMLDivElement | null>;
  label: string;
  /** The body to start from (a template's HTML, sanitised by the API). */
  initialHtml?: string;
}) {
  const saved = useRef<Range | null>(null);
  const { editorRef, initialHtml } = props;

  useEffect(() => {
    if (editorRef.current && initialHtml)
      editorRef.current.innerHTML = initialHtml;
  }, [editorRef, initialHtml]);

  useEffect(() => {
    const remember = () => {
      const selection = document.getSelection();
      const editor = editorRef.current;
      if (!selection?.rangeCount || !editor) return;
      const range = selection.getRangeAt(0);
      if (editor.contains(range.commonAncestorContainer))
        saved.current = range.cloneRange();
    };
    document.addEventListener('selectionchange', remember);
    return () => document.removeEventListener('selectionchange', remember);
  }, [editorRef]);

  const apply = (command: string, value?: string) => {
    const editor = editorRef.current;
    if (!editor) return;
    editor.focus();
    if (saved.current) {
      const selection = document.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(saved.current);
    }
    document.execCommand(command, false, value);
  };

  return (
    <div className="rich-text">
      <Toolbar onApply={apply} />
      <div
        ref={editorRef}
        className="editor"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-label={props.label}
        tabIndex={0}
        suppressContentEditableWarning
      />
    </div>
  );
}

function Toolbar(props: { onApply(command: string, value?: string): void }) {
  return (
    <div role="toolbar" aria-label="Mise en forme" className="toolbar">
      <label className="visually-hidden" htmlFor="editor-font">
        Police
      </label>
      <select
        id="editor-font"
        defaultValue="Helvetica"
        onChange={(event) => props.onApply('fontName', event.target.value)}
      >
        {FONTS.map((font) => (
          <option key={font}>{font}</option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="editor-color">
        Couleur du texte
      </label>
      <input
        id="editor-color"
        type="color"
        defaultValue="#000000"
        onChange={(event) => props.onApply('foreColor', event.target.value)}
      />
      {FORMATS.map((format) => (
        <button
          key={format.command}
          type="button"
          aria-label={format.label}
          title={format.label}
          // Keeps the selection in the editor when clicked with a mouse.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => props.onApply(format.command)}
        >
          {format.text}
        </button>
      ))}
    </div>
  );
}
