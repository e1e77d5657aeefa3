import { fitText } from '../textfit';

describe('fitText', () => {
  // jsdom has no canvas: the width per character given is assumed.
  it('keeps a text that fits and cuts one that does not with an ellipsis', () => {
    expect(fitText('short', 'x', 50, { fallbackPx: 10 })).toBe('short');
    const cut = fitText('a_sixty_character_name'.repeat(3), 'x', 100, {
      fallbackPx: 10
    });
    expect(cut).toBe('a_sixty_c…');
    expect(cut.length * 10).toBeLessThanOrEqual(100);
  });
});
