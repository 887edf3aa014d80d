// mvdan-sh ships no types; parse.ts describes the few parts it uses.
declare module 'mvdan-sh';
