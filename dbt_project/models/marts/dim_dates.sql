with spine as (

    select date_day from {{ ref('int_date_spine') }}

)

select
    cast(spine.date_day as date) as date_day,
    {{ month_start('spine.date_day') }} as month_start,
    cast({{ dbt.date_trunc('week', 'spine.date_day') }} as date) as week_start,
    cast({{ date_part_of('year', 'spine.date_day') }} as integer) as year,
    cast({{ date_part_of('quarter', 'spine.date_day') }} as integer) as quarter,
    cast({{ date_part_of('month', 'spine.date_day') }} as integer) as month,
    cast({{ date_part_of('day', 'spine.date_day') }} as integer) as day_of_month,
    {{ iso_weekday('spine.date_day') }} as iso_weekday,
    {{ iso_weekday('spine.date_day') }} >= 6 as is_weekend,
    cast({{ dbt.last_day('spine.date_day', 'month') }} as date) = spine.date_day as is_month_end,
    spine.date_day > as_of.as_of_date as is_after_as_of
from spine
cross join {{ ref('int_as_of_date') }} as as_of
