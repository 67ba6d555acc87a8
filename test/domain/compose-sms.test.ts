import { composeSms } from '@optic/domain';

const STOP = 'STOP au 36111';

describe('composeSms', () => {
  it('puts the header and the signature around a transactional body', () => {
    const text = composeSms({
      header: 'Optique Martin',
      body: 'Vos lunettes sont prêtes.',
      signature: 'À bientôt !',
      stopMention: STOP,
      kind: 'transactional',
    });

    expect(text).toBe('Optique Martin\nVos lunettes sont prêtes.\nÀ bientôt !');
  });

  it('appends the STOP mention last on marketing SMS', () => {
    const text = composeSms({
      header: 'Optique Martin',
      body: '-20 % sur les solaires',
      signature: 'À bientôt !',
      stopMention: STOP,
      kind: 'marketing',
    });

    expect(text).toBe(
      'Optique Martin\n-20 % sur les solaires\nÀ bientôt !\nSTOP au 36111',
    );
  });

  it('leaves the STOP mention out when the body uses %stopsms', () => {
    const body = '-20 % sur les solaires %stopsms';

    expect(composeSms({ body, stopMention: STOP, kind: 'marketing' })).toBe(
      body,
    );
  });

  it('leaves the STOP mention out when the signature uses %stopsms', () => {
    const text = composeSms({
      body: 'Soldes',
      signature: '%magasin %stopsms',
      stopMention: STOP,
      kind: 'marketing',
    });

    expect(text).toBe('Soldes\n%magasin %stopsms');
  });

  it('still appends it when the body only has a longer %stopsms… word', () => {
    const text = composeSms({
      body: 'Soldes %stopsmsx',
      stopMention: STOP,
      kind: 'marketing',
    });

    expect(text).toBe('Soldes %stopsmsx\nSTOP au 36111');
  });

  it('never adds the STOP mention to a transactional SMS', () => {
    const text = composeSms({
      body: 'Votre rendez-vous est confirmé.',
      stopMention: STOP,
      kind: 'transactional',
    });

    expect(text).toBe('Votre rendez-vous est confirmé.');
  });

  it('skips a blank header, signature or STOP mention', () => {
    const text = composeSms({
      header: '',
      body: 'Soldes',
      signature: '  ',
      stopMention: ' ',
      kind: 'marketing',
    });

    expect(text).toBe('Soldes');
  });

  it('keeps merge fields for the caller to render', () => {
    const text = composeSms({
      header: '%magasin',
      body: 'Bonjour %prenom',
      kind: 'transactional',
    });

    expect(text).toBe('%magasin\nBonjour %prenom');
  });
});
