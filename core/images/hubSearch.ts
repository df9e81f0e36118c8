/**
 * What Docker Hub's search answers for the simulated Hub's images
 * (`docker search`, the daemon's GET /images/search → the Hub's v1 search).
 * The descriptions are the official images' short descriptions on Docker Hub;
 * the star counts are approximate (rounded, as they stood in 2025) — the Hub's
 * change daily, and the real search also returns community images, which the
 * simulated Hub does not have.
 */

export interface SearchResult {
  name: string;
  description: string;
  starCount: number;
  isOfficial: boolean;
  isAutomated: boolean;
}

const HUB_INDEX: readonly SearchResult[] = [
  { name: 'nginx', description: 'Official build of Nginx.', starCount: 20900, isOfficial: true, isAutomated: false },
  { name: 'ubuntu', description: 'Ubuntu is a Debian-based Linux operating system based on free software.', starCount: 17600, isOfficial: true, isAutomated: false },
  { name: 'mysql', description: 'MySQL is a widely used, open-source relational database management system (RDBMS).', starCount: 15900, isOfficial: true, isAutomated: false },
  { name: 'redis', description: 'Redis is the world’s fastest data platform for caching, vector search, and NoSQL databases.', starCount: 13100, isOfficial: true, isAutomated: false },
  { name: 'alpine', description: 'A minimal Docker image based on Alpine Linux with a complete package index and only 5 MB in size!', starCount: 11300, isOfficial: true, isAutomated: false },
  { name: 'centos', description: 'DEPRECATED; The official build of CentOS.', starCount: 7800, isOfficial: true, isAutomated: false },
  { name: 'debian', description: "Debian is a Linux distribution that's composed entirely of free and open-source software.", starCount: 5300, isOfficial: true, isAutomated: false },
  { name: 'httpd', description: 'The Apache HTTP Server Project', starCount: 4900, isOfficial: true, isAutomated: false },
  { name: 'registry', description: 'Distribution implementation for storing and distributing of container images and artifacts', starCount: 4200, isOfficial: true, isAutomated: false },
  { name: 'tomcat', description: 'Apache Tomcat is an open source implementation of the Java Servlet and JavaServer Pages technologies', starCount: 3700, isOfficial: true, isAutomated: false },
  { name: 'busybox', description: 'Busybox base image.', starCount: 3400, isOfficial: true, isAutomated: false },
  { name: 'hello-world', description: 'Hello World! (an example of minimal Dockerization)', starCount: 2400, isOfficial: true, isAutomated: false },
];

/** The daemon's default and allowed result counts (registry.DefaultSearchLimit, [1, 100]). */
export const DEFAULT_SEARCH_LIMIT = 25;

/**
 * The daemon's search: filters validated and applied as moby's
 * registry.Service.Search does (stars=N, is-official, is-automated), the
 * term matched against names and descriptions as the Hub does, best
 * first. Throws the daemon's error text (without "Error response from daemon: ").
 */
export function searchHub(term: string, filters: Readonly<Record<string, readonly string[]>>, limit: number = DEFAULT_SEARCH_LIMIT): SearchResult[] {
  if (limit < 1 || limit > 100) throw new Error(`limit ${limit} is outside the range of [1, 100]`);
  for (const [key, values] of Object.entries(filters)) {
    if (!['stars', 'is-official', 'is-automated'].includes(key)) throw new Error(`invalid filter '${key}'`);
    for (const v of values) {
      if (key === 'stars' && !/^[+-]?\d+$/.test(v)) throw new Error(`invalid filter 'stars=${v}'`);
      if (key !== 'stars' && parseBool(v) === undefined) throw new Error(`invalid filter '${key}=${v}'`);
    }
  }
  // The largest stars=N given wins; a true and a false is-official means true (moby's ExactMatch/GetBoolOrDefault).
  const minStars = Math.max(0, ...(filters.stars ?? []).map(Number));
  const official = boolFilter(filters['is-official']);
  const automated = boolFilter(filters['is-automated']);
  const t = term.toLowerCase();
  const matches = HUB_INDEX.filter((r) => r.name.includes(t) || r.description.toLowerCase().includes(t))
    .filter((r) => r.starCount >= minStars)
    .filter((r) => official === undefined || r.isOfficial === official)
    .filter((r) => automated === undefined || r.isAutomated === automated);
  // Exact name first, then by stars (the Hub's relevance order, approximately).
  matches.sort((a, b) => Number(b.name === t) - Number(a.name === t) || b.starCount - a.starCount);
  return matches.slice(0, limit);
}

function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

function boolFilter(values: readonly string[] | undefined): boolean | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return values.some((v) => parseBool(v) === true);
}
