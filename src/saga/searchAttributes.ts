import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Where a saga stands, kept current so operators can filter runs in the Web UI and by visibility query. */
export const SagaStatusKey = defineSearchAttributeKey('SagaStatus', SearchAttributeType.KEYWORD);

export const sagaSearchAttributes = [SagaStatusKey];
