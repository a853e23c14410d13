import { describeProtocolSuite } from './support/protocol.suite';
import { startTestApp } from './support/in-process-server';

describeProtocolSuite('inline', (env) => startTestApp({ UFOP_MODE: 'inline', REDIS_URL: '', ...env }));
