{#-
    The distinct user agents of the raw tracks and pages, as the loader wrote them: the input of
    base_product__user_agents. A view of its own so that the parsing model reads no ephemeral model: dbt splices
    an ephemeral model's SQL into its reader by parsing the reader's SQL with sqlparse, which took about three
    seconds per build over the 1,259-rule expression.
-#}
select context_user_agent
from {{ raw_relation('tracks') }}
where context_user_agent is not null
union
select context_user_agent
from {{ raw_relation('pages') }}
where context_user_agent is not null
