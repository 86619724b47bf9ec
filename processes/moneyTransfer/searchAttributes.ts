import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TransferId = defineSearchAttributeKey('TransferId', SearchAttributeType.KEYWORD);
