-- Every row of raw installments, typed, with its quarantine verdict (see relance_check_table).
-- Foreign keys are checked against the parents' valid rows:
-- depends_on: {{ ref('stg_plans') }}

{{ relance_check_table('installments',
    extra_checks=[{
        'reason': 'sequence_out_of_range',
        'column': 'sequence',
        'when': 'deduplicated.sequence < 1 or deduplicated.sequence > parent_plan_id.installment_count',
    }]) }}
