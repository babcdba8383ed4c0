/** The reactions there are: a small fixed set, so a reaction is never text a peer chose. */
export const REACTIONS = ['👍', '❤️', '😂', '🎉', '👏', '😮'] as const;
export type Reaction = (typeof REACTIONS)[number];
