import type { ChannelHandler, SendContext } from '@optic/delivery';

/** The real channel, but the process "dies" right after the provider accepted. */
export function crashingAfterSend(channel: ChannelHandler): ChannelHandler {
  return {
    channel: channel.channel,
    provider: channel.provider,
    prepare: (context) => channel.prepare(context),
    notBefore: (context, now) => channel.notBefore(context, now),
    canResendAfterCrash: (message, now) =>
      channel.canResendAfterCrash(message, now),
    send: async (context: SendContext) => {
      await channel.send(context);
      throw new Error('killed before the outcome was recorded');
    },
  };
}
