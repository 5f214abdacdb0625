import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';

/**
 * Delivers one message on one channel; throws to have it retried. `key` is the same for every
 * attempt at one message, so a receiver that keeps it can drop a repeat: a message sent just
 * before its process died is sent again once its lease runs out.
 */
export type Sender = (message: { key: string; address: string | null; subject: string; body: string }) => Promise<void>;

/** The web outbox: the message is already where the web app reads it. */
export const webSender: Sender = async () => {};

/** Email through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587), from SMTP_FROM. */
export function smtpSender(url: string, from: string): Sender {
  // Bounded, so that a silent mail server fails the attempt instead of holding it for minutes.
  const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return async (message) => {
    if (!message.address) throw new Error('no address');
    await transport.sendMail({ from, to: message.address, subject: message.subject, text: message.body, messageId: `<${message.key.replace(/[^A-Za-z0-9.-]/g, '.')}@shiyu>` });
  };
}

/**
 * Text messages through the city's SMS gateway (政务短信平台 or a commercial one), as JSON
 * `{key, to, text}` POSTed to SMS_WEBHOOK_URL. The gateway proves the request is ours by
 * recomputing `X-Shiyu-Signature`: HMAC-SHA256 with SMS_WEBHOOK_SECRET over the timestamp, a dot
 * and the body, so an old request replayed later does not verify either. Any 2xx is sent; anything
 * else, or no answer within `timeoutMs`, is tried again later under the same key.
 */
export function webhookSmsSender(url: string, secret: string, timeoutMs = 10_000): Sender {
  return async (message) => {
    if (!message.address) throw new Error('no phone number');
    const body = JSON.stringify({ key: message.key, to: message.address, text: message.body });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'idempotency-key': message.key, 'x-shiyu-timestamp': timestamp, 'x-shiyu-signature': `sha256=${signature}` },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    // Read to the end, so the connection can be reused. Kept as the attempt's error, so without
    // any phone number the gateway may echo: the outbox keeps numbers only encrypted.
    const answer = (await response.text()).slice(0, 200).replace(/\+?\d[\d\s-]{5,}\d/g, '…');
    if (!response.ok) throw new Error(`the SMS gateway answered ${response.status}${answer ? `: ${answer}` : ''}`);
  };
}
