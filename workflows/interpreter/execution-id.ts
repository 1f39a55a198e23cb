/**
 * The id of one execution of a node (or a foreach item): its activity id, and the suffix of a
 * subflow's child workflow id. Ids stay unique among pending work: later operator-requested
 * executions get a `#<n>` suffix.
 *
 * @example activityIdFor('deploy', 1) === 'deploy'; activityIdFor('deploy[3]', 2) === 'deploy[3]#2'
 */
export function activityIdFor(nodeId: string, execution: number): string {
  return execution === 1 ? nodeId : `${nodeId}#${execution}`;
}
