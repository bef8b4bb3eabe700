/** The typed client's contract check: what makes an e2e test through it fail. */
import { describe, expect, it } from 'vitest';
import { checkAgainstContract } from '../../support/api-client';

const contact = {
  contactId: 'c-1',
  workspaceId: 'w-1',
  email: 'ada@example.com',
  status: 'lead',
  tags: [],
  customFields: {},
  score: 0,
  tier: 'cold',
  createdAt: '2026-01-15T09:30:00.000Z',
  updatedAt: '2026-01-15T09:30:00.000Z',
};
const json = 'application/json; charset=utf-8';

describe('checkAgainstContract', () => {
  it('accepts an answer with the declared status and body, extra fields included', () => {
    expect(() =>
      checkAgainstContract('post', '/api/contacts', 201, { contact: { ...contact, later: true } }, json),
    ).not.toThrow();
  });

  it('refuses a body that misses a declared field or has it with another type', () => {
    const { contactId: _, ...withoutId } = contact;
    expect(() => checkAgainstContract('post', '/api/contacts', 201, { contact: withoutId }, json)).toThrow(
      /does not fit the declared schema/,
    );
    expect(() =>
      checkAgainstContract('get', '/api/contacts/{id}', 200, { contact: { ...contact, score: '0' } }, json),
    ).toThrow(/does not fit/);
  });

  it('refuses a success status other than the declared one, and an error without the error body', () => {
    expect(() => checkAgainstContract('post', '/api/contacts', 200, { contact }, json)).toThrow(/declares 201/);
    expect(() => checkAgainstContract('post', '/api/contacts', 409, { message: 'taken' }, json)).toThrow(/error body/);
    expect(() =>
      checkAgainstContract(
        'post',
        '/api/contacts',
        409,
        { error: 'Conflict', message: 'taken', code: 'X', requestId: 'r' },
        json,
      ),
    ).not.toThrow();
  });

  it('refuses an operation the contract does not have', () => {
    expect(() => checkAgainstContract('put', '/api/contacts', 200, {}, json)).toThrow(/no such operation/);
  });
});
