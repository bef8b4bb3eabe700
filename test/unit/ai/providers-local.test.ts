/**
 * Which AI providers the local runtime gives the functions (LOCAL_AI): never a key from the
 * developer's shell unless asked for with `real`, keys from `.data/` files, offline on request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema';
import { describe, expect, it } from 'vitest';
import { parseLocalAiMode, startLocalAi } from '../../../lib/local/emulators/ai-stand-ins';
import { sampleFromSchema } from '../../../lib/local/emulators/json-schema-sample';
import { agents } from '../../../shared/ai/agents';
import { jsonSchemaOf } from '../../../shared/ai/agents/agent';

const log = () => {};

describe('LOCAL_AI', () => {
  it('defaults to the stand-ins; AI_MODE=offline wins; a wrong value stops the start', () => {
    expect(parseLocalAiMode({})).toBe('stand-in');
    expect(parseLocalAiMode({ LOCAL_AI: 'real', AI_MODE: 'offline' })).toBe('offline');
    expect(() => parseLocalAiMode({ LOCAL_AI: 'cloud' })).toThrow(/LOCAL_AI must be one of/);
  });

  it('offline: no provider, no key, whatever the shell holds', async () => {
    const ai = await startLocalAi({
      dataDir: tmpdir(),
      env: { LOCAL_AI: 'offline', ANTHROPIC_API_KEY: 'sk-ant-x' },
      log,
    });
    expect(ai.env).toEqual({ AI_MODE: 'offline', ANTHROPIC_API_KEY: '', OPENROUTER_API_KEY: '' });
    expect(ai.anthropic).toBeUndefined();
  });

  it('real: keys from the environment or the data dir, never in the banner', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-ai-'));
    writeFileSync(join(dataDir, 'openrouter-api-key'), 'sk-or-from-file\n');
    const ai = await startLocalAi({ dataDir, env: { LOCAL_AI: 'real', ANTHROPIC_API_KEY: 'sk-ant-from-env' }, log });
    expect(ai.env).toMatchObject({ ANTHROPIC_API_KEY: 'sk-ant-from-env', OPENROUTER_API_KEY: 'sk-or-from-file' });
    expect(ai.summary.join('\n')).not.toMatch(/sk-ant-from-env|sk-or-from-file/);
    expect(ai.summary.join('\n')).toContain('https://api.anthropic.com (key set)');
  });
});

describe('the stand-ins answer every agent validly', () => {
  it.each(Object.entries(agents))(
    '%s: valid for many contacts, as sent to OpenRouter and as the Anthropic SDK rewrites it',
    (_, agent) => {
      const schema = jsonSchemaOf(agent);
      const rewritten = jsonSchemaOutputFormat(schema as { type: 'object' }).schema;
      for (let i = 0; i < 10; i++) {
        expect(agent.output.safeParse(sampleFromSchema(schema, `contact ${i}`)).success).toBe(true);
        expect(agent.output.safeParse(sampleFromSchema(rewritten, `contact ${i}`)).success).toBe(true);
      }
    },
  );
});
