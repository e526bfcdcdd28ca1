/** Shared by the fault test and the server it kills (test/fault/duty-server.ts). */
export const FAULT_USERS = ['fault1', 'fault2', 'fault3'] as const;
export const FAULT_PASSWORD = 'fault-test-password';
export const FAULT_INGEST_TOKEN = 'fault-ingest-token';
