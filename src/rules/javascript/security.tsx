import React from 'react';

export function Comment({ html }: { html: string }) {
  // ruleid: js.react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
}

export function SafeComment({ html }: { html: string }) {
  // ok: js.react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;
}

// ruleid: js.declaration-file-loaded
import './polyfill.d.ts';
// ruleid: js.declaration-file-loaded
import { start } from './runtime.d.cts';
// ok: js.declaration-file-loaded
import type { Options } from './options.d.ts';
// ok: js.declaration-file-loaded
type Init = NotAny<import('../node_modules/undici-types/index.d.ts').RequestInit>;
