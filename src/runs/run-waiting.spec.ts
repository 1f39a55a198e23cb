import { liveWaitingReasons } from './run-waiting.service';
import { maskCallbackUrl } from './runs.service';

describe(liveWaitingReasons.name, () => {
  it('names missing workers first, then each retrying node with its attempt, next time and last error', () => {
    expect(
      liveWaitingReasons({
        running: true,
        unpolled: [
          { name: 'switchyard', kind: 'workflow' },
          { name: 'gpu-plugins', kind: 'activity' },
        ],
        retrying: [
          {
            activityId: 'deploy#2',
            activityType: 'http.request',
            attempt: 3,
            maximumAttempts: 5,
            nextAttemptAt: '2026-01-01T00:00:10.000Z',
            lastFailure: { type: 'HttpServerError', message: 'GET http://x returned HTTP 503' },
          },
          { activityId: 'run-callback', activityType: 'switchyard.deliverCallback', attempt: 2 },
        ],
      }),
    ).toEqual([
      { kind: 'no-worker', taskQueue: 'switchyard', message: 'no worker polling task queue switchyard' },
      {
        kind: 'no-worker',
        taskQueue: 'gpu-plugins',
        message: 'no worker polling task queue gpu-plugins (activities)',
      },
      {
        kind: 'retrying',
        nodeId: 'deploy',
        message:
          'node deploy retrying, attempt 3 of 5, next at 2026-01-01T00:00:10.000Z: HttpServerError: GET http://x returned HTTP 503',
      },
      { kind: 'retrying', message: 'the run-end callback retrying, attempt 2, running now' },
    ]);
  });

  it('says nothing when Temporal reports nothing', () => {
    expect(liveWaitingReasons({ running: false, unpolled: [], retrying: [] })).toEqual([]);
  });
});

describe(maskCallbackUrl.name, () => {
  it('masks a password and the values of the query, and keeps the rest', () => {
    expect(maskCallbackUrl('https://ci:secret@hooks.example.com/done?token=abc&run=1')).toBe(
      'https://ci:***@hooks.example.com/done?token=***&run=***',
    );
    expect(maskCallbackUrl('http://127.0.0.1:8080/hook')).toBe('http://127.0.0.1:8080/hook');
  });
});
