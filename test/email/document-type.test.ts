import { detectDocumentType } from '@optic/providers';
import { FILES, storedZip } from './email-support';

describe('telling a document type from its bytes', () => {
  it.each([
    ['facture.pdf', FILES.pdf, 'application/pdf'],
    ['monture.png', FILES.png, 'image/png'],
    ['monture.JPG', FILES.jpeg, 'image/jpeg'],
    ['monture.jpeg', FILES.jpeg, 'image/jpeg'],
    ['monture.gif', FILES.gif, 'image/gif'],
    ['monture.webp', FILES.webp, 'image/webp'],
    ['IMG_0001.HEIC', FILES.heic, 'image/heic'],
    [
      'devis.docx',
      FILES.docx,
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['ordonnance.txt', FILES.text, 'text/plain'],
    ['mesures.csv', Buffer.from('oeil;sphere\nOD;-1,25\n'), 'text/csv'],
    ['sans-extension', FILES.pdf, 'application/pdf'],
  ])('accepts %s as %s', async (name, bytes, contentType) => {
    expect(await detectDocumentType(bytes, name)).toEqual({
      ok: true,
      contentType,
    });
  });

  it.each([
    ['a Windows program', 'setup.exe', FILES.exe],
    ['a program renamed as a PDF', 'facture.pdf', FILES.exe],
    ['a web page', 'page.html', FILES.html],
    ['a zip archive', 'photos.zip', FILES.zip],
    ['a zip archive renamed as a Word file', 'devis.docx', FILES.zip],
    [
      'an SVG image (it can carry scripts)',
      'logo.svg',
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      ),
    ],
    ['binary junk', 'facture.pdf', Buffer.from([0, 1, 2, 3, 0xff, 0xfe])],
  ])('refuses %s', async (_what, name, bytes) => {
    const result = await detectDocumentType(bytes, name);

    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/\S/) });
  });

  it('refuses a name that says another type than the bytes, naming both', async () => {
    expect(await detectDocumentType(FILES.jpeg, 'facture.pdf')).toEqual({
      ok: false,
      reason: 'the content is a JPEG image but the name ends in .pdf',
    });
  });

  it('never parses a format it does not accept (ASF headers once looped file-type)', async () => {
    const asf = Buffer.concat([
      Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex'),
      Buffer.alloc(64),
    ]);

    expect((await detectDocumentType(asf, 'video.wmv')).ok).toBe(false);
  });

  it('tells an Office file from any other zip by its entries', async () => {
    const sheet = storedZip([
      ['[Content_Types].xml', '<Types/>'],
      ['xl/workbook.xml', '<workbook/>'],
    ]);

    expect(await detectDocumentType(sheet, 'stock.xlsx')).toEqual({
      ok: true,
      contentType:
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
  });
});
