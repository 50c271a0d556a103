/** The version of this build, read from package.json at bundle time. */
import pkg from '../../package.json';

export const VERSION: string = pkg.version;
