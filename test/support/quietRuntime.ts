import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers log every state change at INFO and every failed activity attempt (injected on purpose here) at WARN.
Runtime.install({ logger: new DefaultLogger('ERROR') });
