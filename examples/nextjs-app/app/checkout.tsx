'use client';
import { useEffect, useRef, useState } from 'react';
import { useFlag } from 'trackplan/next';
import { track } from '../analytics/client';
import { payOrder } from './actions';

/** Typed browser events, a server action and a route handler, and the flag read in the browser. */
export function Checkout() {
  const variant = useFlag('new-checkout');
  const [result, setResult] = useState('');
  // Once per mount: React StrictMode runs effects twice in development; the ref survives that.
  const viewed = useRef(false);
  useEffect(() => {
    if (viewed.current) return;
    viewed.current = true;
    track('signup_page_viewed', {});
  }, []);
  return (
    <section>
      <p>
        Checkout variant (browser): <span id="flag-browser">{variant}</span>
      </p>
      <button id="signup" onClick={() => track('cta.clicked', { button: 'signup', note: (document.getElementById('note') as HTMLInputElement).value })}>
        Sign up
      </button>
      <input id="note" defaultValue="" aria-label="note" />
      <button id="pay-action" onClick={async () => setResult(`action:${await payOrder('ord_action_1')}`)}>Pay (server action)</button>
      <button
        id="pay-route"
        onClick={async () => {
          const response = await fetch('/api/order', { method: 'POST', body: JSON.stringify({ orderId: 'ord_route_1' }) });
          setResult(`route:${((await response.json()) as { distinctId: string }).distinctId}`);
        }}
      >
        Pay (route handler)
      </button>
      <output id="result">{result}</output>
    </section>
  );
}
