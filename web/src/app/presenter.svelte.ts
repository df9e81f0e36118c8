import { presentFromSearch, withPresent } from './presenterKeys';

/**
 * Presenter mode: the terminal and the current step's diagram side by side in
 * large type, for a projector and a room. It lives in the address
 * (`?present=1`) so a teacher can bookmark or reload into it.
 */
export class Presenter {
  on = $state(false);

  constructor(
    private readonly location: { search: string; pathname: string; hash: string },
    private readonly history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void },
  ) {
    this.on = presentFromSearch(location.search);
  }

  set(on: boolean): void {
    this.on = on;
    this.history.replaceState(this.history.state, '', `${this.location.pathname}${withPresent(this.location.search, on)}${this.location.hash}`);
  }

  toggle(): void {
    this.set(!this.on);
  }
}
