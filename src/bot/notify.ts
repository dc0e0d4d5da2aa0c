/**
 * Turns "tell this member / this unit" into concrete channel messages inside the transaction:
 * a member is reached on the channel they used last, a unit in the groups bound to it (or, when
 * none is bound, through its leaders 1:1).
 */
import type { ChannelName } from '../config';
import { LEADER_ROLE, type OrgUnit } from '../domain/org/org';
import type { BotMessage } from './message';
import type { Tx } from './ports';
import type { Inbound } from './inbound';

export class Notifier {
  constructor(private readonly tx: Tx) {}

  /** A 1:1 message to a member; false when the member has no channel binding. */
  async member(memberId: number, message: BotMessage): Promise<boolean> {
    const [binding] = await this.tx.repos.org.bindingsOf(memberId);
    if (!binding) return false;
    this.tx.effects.send({ channel: binding.channel, target: { kind: 'user', id: binding.platformUserId }, message });
    return true;
  }

  async members(memberIds: number[], message: BotMessage): Promise<void> {
    for (const id of [...new Set(memberIds)]) await this.member(id, message);
  }

  /** A message to a unit's groups; falls back to its leaders 1:1 when no group is bound. */
  async unit(unit: OrgUnit, message: BotMessage): Promise<void> {
    const conversations = await this.tx.repos.org.conversationsOf(unit.id);
    if (conversations.length) {
      for (const c of conversations) this.conversation(c.channel, c.conversationId, message);
      return;
    }
    const leaders = await this.tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[unit.level]);
    await this.members(leaders.map((l) => l.id), message);
  }

  /** Platform user ids of a member on one channel, for @-mentions in that channel's group. */
  async mentionIds(channel: ChannelName, memberIds: number[]): Promise<string[]> {
    const ids: string[] = [];
    for (const id of memberIds) {
      const bindings = await this.tx.repos.org.bindingsOf(id);
      const b = bindings.find((x) => x.channel === channel);
      if (b) ids.push(b.platformUserId);
    }
    return ids;
  }

  /** A reply into the conversation a message came from; a 1:1 conversation is marked so it is not masked. */
  reply(inbound: Pick<Inbound, 'channel' | 'conversation' | 'replyContext'>, message: BotMessage): void {
    const direct = inbound.conversation.kind === 'direct' ? { direct: true } : {};
    this.tx.effects.send({ channel: inbound.channel, target: { kind: 'conversation', id: inbound.conversation.id, ...direct }, message, ...(inbound.replyContext ? { replyContext: inbound.replyContext } : {}) });
  }

  /** A message into a group conversation (masked on the way out). */
  conversation(channel: ChannelName, conversationId: string, message: BotMessage, replyContext?: Record<string, string>): void {
    this.tx.effects.send({ channel, target: { kind: 'conversation', id: conversationId }, message, ...(replyContext ? { replyContext } : {}) });
  }
}
