import { randomBytes } from 'node:crypto';

/**
 * Issues `sms_<hex>` tickets like Octopush's. A random prefix per sandbox
 * and a counter keep them unique without a random draw per request.
 */
export class SmsTicketIssuer {
  private readonly prefix = randomBytes(3).toString('hex');
  private counter = 0;

  next(): string {
    this.counter += 1;

    return `sms_${this.prefix}${this.counter.toString(16).padStart(8, '0')}`;
  }
}
