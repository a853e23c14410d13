import { EventEmitter } from 'node:events';
import { InputAnswers, inputAnswerMessage } from './input-answers';

/** A subscriber connection as far as `InputAnswers` uses it: 'message' events and SUBSCRIBE. */
function fakeSubscriber(subscribe: () => Promise<unknown> = () => Promise.resolve(1)) {
  const emitter = new EventEmitter();
  return Object.assign(emitter, { subscribe: jest.fn(subscribe) });
}

describe('InputAnswers', () => {
  it('settles the wait of the job an answer names, with what the web process answered', async () => {
    const subscriber = fakeSubscriber();
    const answers = new InputAnswers(subscriber as never, 'q:answers:w1');
    await answers.listen();
    const stored = answers.wait('7', 5000);
    const gone = answers.wait('8', 5000);
    subscriber.emit('message', 'q:answers:w1', inputAnswerMessage('7', 'stored'));
    subscriber.emit('message', 'q:answers:w1', inputAnswerMessage('8', 'gone'));
    expect([await stored.answer, await gone.answer]).toEqual(['stored', 'gone']);
  });

  it('ignores other channels, unreadable messages and answers for no job waited for', async () => {
    const subscriber = fakeSubscriber();
    const answers = new InputAnswers(subscriber as never, 'q:answers:w1');
    await answers.listen();
    const wait = answers.wait('7', 50);
    subscriber.emit('message', 'q:reply:web', inputAnswerMessage('7', 'stored'));
    subscriber.emit('message', 'q:answers:w1', 'not json');
    subscriber.emit('message', 'q:answers:w1', JSON.stringify({ id: '7', input: 'maybe' }));
    subscriber.emit('message', 'q:answers:w1', inputAnswerMessage('9', 'stored'));
    expect(await wait.answer).toBe('timeout');
  });

  it('ends a wait at its time or when cancelled, and a late answer changes nothing', async () => {
    const subscriber = fakeSubscriber();
    const answers = new InputAnswers(subscriber as never, 'c');
    const started = Date.now();
    expect(await answers.wait('1', 30).answer).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const cancelled = answers.wait('2', 5000);
    cancelled.cancel();
    answers.hear(inputAnswerMessage('2', 'stored'));
    expect(await cancelled.answer).toBe('timeout');
    // A new wait for the same job is not ended by the old one's cancel.
    const again = answers.wait('2', 5000);
    cancelled.cancel();
    answers.hear(inputAnswerMessage('2', 'stored'));
    expect(await again.answer).toBe('stored');
  });

  it('subscribes once, and again after a subscription that failed', async () => {
    let fail = true;
    const subscriber = fakeSubscriber(() => (fail ? Promise.reject(new Error('Redis away')) : Promise.resolve(1)));
    const answers = new InputAnswers(subscriber as never, 'c');
    await expect(answers.listen()).rejects.toThrow('Redis away');
    expect(subscriber.listenerCount('message')).toBe(0);
    fail = false;
    await answers.listen();
    await answers.listen();
    expect(subscriber.subscribe).toHaveBeenCalledTimes(2);
    expect(subscriber.subscribe).toHaveBeenLastCalledWith('c');
    expect(subscriber.listenerCount('message')).toBe(1);
  });
});
