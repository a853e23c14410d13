import Bull from 'bull';
import { BullJobClass, readAbsentTracesAsEmpty } from './bull-job-traces';

// The class Bull's queue uses: the same module object, so what is set on it reaches Bull's own calls.
const Job = (Bull as unknown as { Job: BullJobClass }).Job;
const queue = { toKey: (key: string) => `bull:test:${key}` };
const stored = { id: '7', name: '__default__', data: '{"a":1}', opts: '{"attempts":1}', timestamp: '1', delay: '0' };

describe('readAbsentTracesAsEmpty', () => {
  let parse: jest.SpyInstance;
  beforeAll(() => readAbsentTracesAsEmpty(Job));
  beforeEach(() => (parse = jest.spyOn(JSON, 'parse')));
  afterEach(() => parse.mockRestore());

  it('reads a job that never failed without JSON.parse throwing, as an empty list of traces', () => {
    const job = Job.fromJSON(queue, { ...stored }) as { id: string; data: unknown; stacktrace: unknown[] };
    expect(job.stacktrace).toEqual([]);
    expect(job.data).toEqual({ a: 1 });
    expect(job.id).toBe('7');
    expect(parse.mock.results.filter((result) => result.type === 'throw')).toEqual([]);
  });

  it('keeps the traces of a job that has failed before', () => {
    const job = Job.fromJSON(queue, { ...stored, stacktrace: '["Error: boom"]' }) as { stacktrace: unknown[] };
    expect(job.stacktrace).toEqual(['Error: boom']);
  });

  it('leaves the stored fields as Bull read them, and wraps the class once', () => {
    const json: Record<string, unknown> = { ...stored };
    const wrapped = Job.fromJSON;
    Job.fromJSON(queue, json);
    readAbsentTracesAsEmpty(Job);
    expect(json.stacktrace).toBeUndefined();
    expect(Job.fromJSON).toBe(wrapped);
  });
});
