export function clientIsStale(): boolean;
export function buildClientIfStale(opts?: { quiet?: boolean }): number;
