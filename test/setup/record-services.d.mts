// Types for record-services.mjs, which test/agent/serviceFixtures.test.ts imports.

export interface Observation {
  /** Path under core/services/fixtures/debian/, e.g. `nginx/welcome.txt`. */
  file: string;
  what: string;
  /** The command as the README shows it (`C` is the container). */
  command: string;
  stream: 'stdout' | 'stderr';
  exit: number;
  /** The recorded stream, masked. */
  text: string;
  /** The program's threads print these lines in a varying order. */
  unordered: boolean;
}

export const fixtureDir: string;
export const images: { nginx: string; redis: string; mariadb: string };
export const placeholders: [placeholder: string, meaning: string][];
export function missingImages(): string[];
export function packageVersions(): Record<string, string>;
export function comparable(observation: Observation, text?: string): string;
export function observeAll(): Promise<Observation[]>;
export function renderReadme(observations: Observation[], versions: Record<string, string>): string;
