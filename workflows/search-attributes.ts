import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes every run carries, so the Temporal UI can list runs by project, template,
 * who started them and their Switchyard status. Registered at dev-server start. No secrets here:
 * search attributes bypass the payload codec.
 */
export const SA_PROJECT = defineSearchAttributeKey('SwitchyardProject', SearchAttributeType.KEYWORD);
export const SA_TEMPLATE = defineSearchAttributeKey('SwitchyardTemplate', SearchAttributeType.KEYWORD);
export const SA_TEMPLATE_VERSION = defineSearchAttributeKey('SwitchyardTemplateVersion', SearchAttributeType.INT);
export const SA_STARTED_BY = defineSearchAttributeKey('SwitchyardStartedBy', SearchAttributeType.KEYWORD);
export const SA_RUN_STATUS = defineSearchAttributeKey('SwitchyardRunStatus', SearchAttributeType.KEYWORD);

export const SWITCHYARD_SEARCH_ATTRIBUTES = [SA_PROJECT, SA_TEMPLATE, SA_TEMPLATE_VERSION, SA_STARTED_BY, SA_RUN_STATUS];
