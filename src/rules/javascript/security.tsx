import React from 'react';

export function Comment({ html }: { html: string }) {
  // ruleid: js.react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: html }} />;
}

export function SafeComment({ html }: { html: string }) {
  // ok: js.react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />;
}
