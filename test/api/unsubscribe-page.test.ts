import {
  confirmBody,
  frenchDe,
} from '../../services/api/src/routes/unsubscribe-page';

describe("the unsubscribe page's French", () => {
  it.each([
    ['Optique A', "d'Optique A"],
    ['Écoute et Vue', "d'Écoute et Vue"],
    ['atelier du regard', "d'atelier du regard"],
    ['Hélène Optique', "d'Hélène Optique"],
    ['Lunettes B', 'de Lunettes B'],
    ['Haute Vision', 'de Haute Vision'],
    ['Hall de la vue', 'de Hall de la vue'],
    ['HLM Optique', 'de HLM Optique'],
    ['3 Opticiens', 'de 3 Opticiens'],
  ])('elides "de" only before a vowel or a mute h: %s', (name, written) => {
    expect(`${frenchDe(name)}${name}`).toBe(written);
  });

  it('names the shop with the elision, escaped', () => {
    const body = confirmBody('Optique <A>', 'claire@example.test');

    expect(body).toContain("les informations d'Optique &lt;A&gt; par e-mail");
    expect(body).not.toContain('de Optique');
  });
});
