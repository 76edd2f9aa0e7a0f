import Link from 'next/link';
import { requestAnalytics } from '../analytics/server';
import { Checkout } from './checkout';

export default async function Home() {
  const { flags } = await requestAnalytics();
  return (
    <main>
      <h1>Shop</h1>
      <p>
        Checkout variant (server): <span id="flag-server">{flags.get('new-checkout')}</span>
      </p>
      <Checkout />
      <nav>
        <Link id="to-about" href="/about">About</Link> <Link id="to-search" href="/?q=shirts">Search shirts</Link>
      </nav>
    </main>
  );
}
