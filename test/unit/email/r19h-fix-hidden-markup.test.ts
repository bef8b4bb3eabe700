// Review round 19: this test failed at 6a48c48.
// A link or postal address that markup hides from the reader counted as shown: an <a> inside
// <template>, <select>, <noscript> or an element with `hidden` / display:none, an address only in
// <title>, <style> or <script>. The save lint and the sender's check of the render now skip them.
import { beforeAll, describe, expect, it } from 'vitest';
import { missingFromRendered, missingMarketingParts, templateEngineReady } from '../../../shared/email/templates';

const LINK = '<a href="{{ unsubscribe_url }}">Unsubscribe</a>';
const ADDRESS = '{{ workspace.postalAddress }}';
const lint = (html: string) => missingMarketingParts({ subject: 'News', html }, 'marketing').map((m) => m.item);
const context = {
  contact: { email: 'a@example.com' },
  workspace: { name: 'Acme', postalAddress: '1 Main St, Springfield' },
  unsubscribe_url: 'https://app.example/u/tok',
};
const sender = (source: string, rendered: string) =>
  missingFromRendered({ subject: 'News', html: source }, 'marketing', { html: rendered, text: '' }, context).map(
    (m) => m.item,
  );

beforeAll(templateEngineReady);

describe('a hidden unsubscribe link is missing', () => {
  it.each([
    ['in a template element', `<template>${LINK}</template>`],
    ['in a select', `<select><option>x</option>${LINK}</select>`],
    ['in noscript', `<noscript>${LINK}</noscript>`],
    ['with the hidden attribute', LINK.replace('<a ', '<a hidden ')],
    ['with display:none on it', LINK.replace('<a ', '<a style="color:red; display : none" ')],
    ['with display:none hidden by a CSS comment', LINK.replace('<a ', '<a style="display:/* x */none" ')],
    ['inside an ancestor with display:none', `<div style="display:none"><p>${LINK}</p></div>`],
    ['inside an ancestor with visibility:hidden', `<div style="visibility:hidden"><p>${LINK}</p></div>`],
    ['inside an ancestor hidden for Outlook', `<div style="mso-hide:all">${LINK}</div>`],
    ['inside the head', `<head>${LINK}</head>`],
  ])('%s', (_label, markup) => {
    expect(lint(`<p>News</p>${markup}<p>${ADDRESS}</p>`)).toEqual(['unsubscribe_link']);
    const rendered = `<p>News</p>${markup.replaceAll('{{ unsubscribe_url }}', context.unsubscribe_url)}<p>1 Main St, Springfield</p>`;
    expect(sender(`<p>News</p>${markup}<p>${ADDRESS}</p>`, rendered)).toEqual(['unsubscribe_link']);
  });

  it('counts a link after a hidden element that closed, and one in a visible sibling', () => {
    expect(lint(`<div style="display:none">preheader</div>${LINK}<p>${ADDRESS}</p>`)).toEqual([]);
    expect(lint(`<div><span hidden>x</span>${LINK}</div><br><img src="x"><p>${ADDRESS}</p>`)).toEqual([]);
  });
});

describe('a hidden postal address is missing', () => {
  it.each([
    ['in the title', `<title>${ADDRESS}</title>`],
    ['in a style', `<style>/* ${ADDRESS} */</style>`],
    ['in a script', `<script>var a = "${ADDRESS}";</script>`],
    ['in a comment', `<!-- ${ADDRESS} -->`],
    ['in a hidden element', `<div hidden>${ADDRESS}</div>`],
    ['in an attribute only', `<img alt="${ADDRESS}">`],
  ])('%s', (_label, markup) => {
    expect(lint(`<p>News</p>${LINK}${markup}`)).toEqual(['postal_address']);
  });

  it('counts it in a textarea (its text is shown) and in ordinary text', () => {
    expect(lint(`${LINK}<textarea>${ADDRESS}</textarea>`)).toEqual([]);
    expect(lint(`${LINK}<footer><small>${ADDRESS}</small></footer>`)).toEqual([]);
  });
});
