import FileType from 'file-type/core';

/** A kind of file shops may store and send. */
interface AllowedType {
  contentType: string;
  /** How people call it, for error messages. */
  label: string;
  /** The extensions a name of that type may end with. */
  extensions: string[];
}

const PDF: AllowedType = {
  contentType: 'application/pdf',
  label: 'a PDF document',
  extensions: ['pdf'],
};

/** Keyed by the MIME type file-type reports for the bytes. */
const BY_SNIFFED_TYPE: Record<string, AllowedType[]> = {
  'application/pdf': [PDF],
  'image/jpeg': [image('image/jpeg', 'JPEG', ['jpg', 'jpeg', 'jpe', 'jfif'])],
  'image/png': [image('image/png', 'PNG', ['png'])],
  'image/gif': [image('image/gif', 'GIF', ['gif'])],
  'image/webp': [image('image/webp', 'WebP', ['webp'])],
  'image/heic': [image('image/heic', 'HEIC', ['heic', 'heif'])],
  'image/heif': [image('image/heif', 'HEIF', ['heif', 'heic'])],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [
    office('wordprocessingml.document', 'a Word document', 'docx'),
  ],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [
    office('spreadsheetml.sheet', 'an Excel workbook', 'xlsx'),
  ],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': [
    office('presentationml.presentation', 'a PowerPoint file', 'pptx'),
  ],
  'application/vnd.oasis.opendocument.text': [
    {
      contentType: 'application/vnd.oasis.opendocument.text',
      label: 'an OpenDocument text',
      extensions: ['odt'],
    },
  ],
  'application/vnd.oasis.opendocument.spreadsheet': [
    {
      contentType: 'application/vnd.oasis.opendocument.spreadsheet',
      label: 'an OpenDocument spreadsheet',
      extensions: ['ods'],
    },
  ],
  // The old binary Office formats share one container: the name tells
  // which application opens it.
  'application/x-cfb': [
    legacy('application/msword', 'doc'),
    legacy('application/vnd.ms-excel', 'xls'),
    legacy('application/vnd.ms-powerpoint', 'ppt'),
  ],
};

const TEXT_TYPES: AllowedType[] = [
  { contentType: 'text/plain', label: 'a text file', extensions: ['txt'] },
  { contentType: 'text/csv', label: 'a CSV file', extensions: ['csv'] },
];

// file-type parses many formats, and some of its parsers of old versions
// loop on crafted input (CVE-2026-31808, ASF, unfixed in the 16.x line we
// can load from CommonJS). It only ever sees bytes that start like a type
// we accept, so none of those parsers runs.
const SIGNATURES: ((bytes: Buffer) => boolean)[] = [
  (b) => startsWith(b, '%PDF-'),
  (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  (b) => startsWith(b, '\x89PNG\r\n\x1a\n'),
  (b) => startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a'),
  (b) => startsWith(b, 'RIFF') && startsWith(b.subarray(8), 'WEBP'),
  (b) => startsWith(b.subarray(4), 'ftyp'),
  (b) => startsWith(b, 'PK\x03\x04'),
  (b) => startsWith(b, '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'),
];

/** What {@link detectDocumentType} concluded. */
export type DocumentTypeResult =
  { ok: true; contentType: string } | { ok: false; reason: string };

/**
 * Tells from the bytes (not the name) whether a file is one shops may
 * send: PDF; JPEG, PNG, GIF, WebP, HEIC/HEIF images; Word, Excel and
 * PowerPoint (OOXML and 97-2003); OpenDocument text and spreadsheets;
 * UTF-8 plain text and CSV. A name whose extension says another type is
 * refused too, so a mail client never opens the bytes with the wrong
 * program. Returns the content type to store and send.
 *
 * @example await detectDocumentType(pdfBytes, 'facture.pdf')
 * // { ok: true, contentType: 'application/pdf' }
 */
export async function detectDocumentType(
  content: Buffer,
  fileName: string,
): Promise<DocumentTypeResult> {
  const extension = extensionOf(fileName);
  const candidates = await candidatesOf(content);
  if (candidates.length === 0) {
    return {
      ok: false,
      reason:
        'this kind of file cannot be sent: PDF, images (JPEG, PNG, GIF, WebP, HEIC), Office and OpenDocument files, text or CSV only',
    };
  }

  const match = extension
    ? candidates.find((type) => type.extensions.includes(extension))
    : candidates[0];
  if (!match) {
    return {
      ok: false,
      reason: `the content is ${candidates[0]!.label} but the name ends in .${extension}`,
    };
  }
  return { ok: true, contentType: match.contentType };
}

async function candidatesOf(content: Buffer): Promise<AllowedType[]> {
  if (SIGNATURES.some((matches) => matches(content))) {
    const sniffed = await FileType.fromBuffer(content);
    return sniffed ? (BY_SNIFFED_TYPE[sniffed.mime] ?? []) : [];
  }
  return isPlainText(content) ? TEXT_TYPES : [];
}

/** UTF-8 without NUL or other control characters than tab, CR, LF, FF. */
function isPlainText(content: Buffer): boolean {
  if (content.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    return false;
  }
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const control = code < 0x20 || code === 0x7f;
    if (control && !'\t\n\r\f'.includes(character)) return false;
  }
  return true;
}

function extensionOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0 || dot === fileName.length - 1) return null;
  return fileName.slice(dot + 1).toLowerCase();
}

function startsWith(bytes: Buffer, prefix: string): boolean {
  const expected = Buffer.from(prefix, 'latin1');
  return (
    bytes.length >= expected.length &&
    bytes.subarray(0, expected.length).equals(expected)
  );
}

function image(contentType: string, name: string, extensions: string[]) {
  return { contentType, label: `a ${name} image`, extensions };
}

function office(
  subtype: string,
  label: string,
  extension: string,
): AllowedType {
  return {
    contentType: `application/vnd.openxmlformats-officedocument.${subtype}`,
    label,
    extensions: [extension],
  };
}

function legacy(contentType: string, extension: string): AllowedType {
  return {
    contentType,
    label: 'an Office 97-2003 file',
    extensions: [extension],
  };
}
