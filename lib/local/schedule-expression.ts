/** The schedule-expression evaluator moved to shared/ (campaign schedules use it too); kept for the local scheduler. */
export * from '../../shared/schedule-expression';
