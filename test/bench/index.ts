import { runMocha } from '../support/runMocha';

export const run = (): Promise<void> => runMocha(__dirname, 120000);
