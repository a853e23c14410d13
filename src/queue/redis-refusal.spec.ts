import { ReplyError } from 'ioredis';
import { redisRefusal } from './redis-refusal';
import { RespErrorReply } from './resp-reply.parser';

describe('redisRefusal', () => {
  it("names a replica, without the script's location Redis appends", () => {
    const error = new ReplyError(
      "READONLY You can't write against a read only replica. script: 27ea40f2e4444b8c0f37ad29529e79e372dbbc82, on @user_script:84.",
    );
    expect(redisRefusal(error)).toBe(
      'the Redis at REDIS_URL is a read-only replica: point REDIS_URL at its master, or use Sentinel (REDIS_SENTINELS) ' +
        'so that the queue follows the master through failovers (under Sentinel, the master was just demoted: the ' +
        "connections move to the new one by themselves) (READONLY You can't write against a read only replica.)",
    );
  });

  it.each([
    ['MOVED 12920 127.0.0.1:7001', /is a node of a Redis Cluster/],
    ["CROSSSLOT Keys in request don't hash to the same slot", /is a node of a Redis Cluster/],
    ['CLUSTERDOWN Hash slot not served', /is a node of a Redis Cluster/],
    ["OOM command not allowed when used memory > 'maxmemory'.", /^Redis is full .*\(OOM command not allowed/],
    ["NOPERM this user has no permissions to run the 'evalsha' command", /ACL must allow them/],
    ['ERR unknown command `FOO`', /^Redis refused a command: ERR unknown command `FOO`$/],
  ])('says what %s means', (reply, meaning) => {
    expect(redisRefusal(new ReplyError(reply))).toMatch(meaning);
  });

  it("reads the blob connection's error replies too", () => {
    expect(redisRefusal(new RespErrorReply("OOM command not allowed when used memory > 'maxmemory'."))).toMatch(
      /^Redis is full/,
    );
  });

  it('leaves what is not an error reply to be told as Redis not reached', () => {
    expect(redisRefusal(new Error('Connection is closed.'))).toBeUndefined();
    expect(redisRefusal(new Error('READONLY lookalike, but not a reply'))).toBeUndefined();
    expect(redisRefusal(undefined)).toBeUndefined();
    expect(redisRefusal('OOM')).toBeUndefined();
  });
});
