import nodemailer from 'nodemailer';

/** Delivers one message on one channel; throws to have it retried. */
export type Sender = (message: { address: string | null; subject: string; body: string }) => Promise<void>;

/** The web outbox: the message is already where the web app reads it. */
export const webSender: Sender = async () => {};

/** Email through an SMTP server (SMTP_URL, e.g. smtp://user:pass@host:587), from SMTP_FROM. */
export function smtpSender(url: string, from: string): Sender {
  const transport = nodemailer.createTransport(url);
  return async (message) => {
    if (!message.address) throw new Error('no address');
    await transport.sendMail({ from, to: message.address, subject: message.subject, text: message.body });
  };
}
