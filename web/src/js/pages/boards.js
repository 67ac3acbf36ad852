// Boards: state, health, current job and the last health check of every
// board, refreshed every 3 s.
import { h, api, table, badge, emulatedTag, fmtAgo, fmtDate, jobLink, section } from '../util.js';

export async function boardsPage(ctx) {
  const body = h('div');
  ctx.view.replaceChildren(h('h1', {}, 'Boards'), body);
  await ctx.every(3000, async () => {
    const { boards } = await api('boards');
    const counts = {};
    for (const b of boards) counts[b.state] = (counts[b.state] || 0) + 1;
    body.replaceChildren(
      h(
        'p',
        { class: 'summary' },
        `${boards.length} board${boards.length === 1 ? '' : 's'}: `,
        ['idle', 'busy', 'offline'].map((s) => (counts[s] ? [badge(`${counts[s]} ${s}`, s), ' '] : null)),
      ),
      section(
        'All boards',
        table(
          [
            { label: 'board', cell: (b) => h('span', {}, h('b', {}, b.id), ' ', b.tags?.emulated === 'true' ? emulatedTag('QEMU; figures are emulated') : null) },
            { label: 'profile', cell: (b) => h('a', { href: `#/jobs?board=${encodeURIComponent(b.id)}` }, b.profile_id) },
            { label: 'core', cell: (b) => b.tags?.core || '—' },
            { label: 'agent', cell: (b) => b.agent_id },
            { label: 'state', cell: (b) => badge(b.state) },
            { label: 'health', cell: (b) => badge(b.health) },
            { label: 'current job', cell: (b) => jobLink(b.current_job) },
            {
              label: 'last health check',
              cell: (b) =>
                h(
                  'span',
                  { title: fmtDate(b.last_health_check_ms) },
                  b.last_health_check_ms ? fmtAgo(b.last_health_check_ms) : 'never',
                ),
            },
            { label: 'health message', cell: (b) => h('span', { class: 'msg' }, b.health_message || '—') },
            {
              label: 'infra failures',
              num: true,
              cell: (b) => h('span', { title: 'consecutive infrastructure failures (3 quarantine the board)' }, String(b.consecutive_infra_failures)),
            },
          ],
          boards,
          { empty: 'No boards registered. Start hilbenchd in local mode or connect a hilbench-agent.', rowAttrs: (b) => ({ 'data-board': b.id }) },
        ),
      ),
    );
  });
}
