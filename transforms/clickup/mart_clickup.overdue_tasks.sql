-- output: mart_clickup.overdue_tasks
-- Open tasks past their due date, most overdue first. Plain SQL because it needs date
-- arithmetic; it runs after stg_clickup.tasks, which it reads.
SELECT
    task_id,
    name,
    list_name,
    status,
    assignee_usernames,
    due_at,
    date_diff('day', due_at, CAST(timezone('UTC', now()) AS TIMESTAMP)) AS days_overdue
FROM stg_clickup.tasks
WHERE due_at < CAST(timezone('UTC', now()) AS TIMESTAMP)
  AND status_type NOT IN ('closed', 'done')
ORDER BY days_overdue DESC, task_id
