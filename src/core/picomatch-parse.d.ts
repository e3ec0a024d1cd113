// picomatch's parser (the function picomatch documents as `picomatch.parse`), imported from its
// module so that the bundle carries no matcher wrapper and scanner that crossbus does not use.
declare module 'picomatch/lib/parse.js' {
  export default function parse(glob: string, options?: { dot?: boolean }): { output: string; negated: boolean }
}
