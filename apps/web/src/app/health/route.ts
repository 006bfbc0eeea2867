/** Readiness for discovery and the orchestrator: the Next server answers. */
export function GET() {
  return Response.json({ status: 'up', service: 'web' }, { headers: { 'cache-control': 'no-store' } });
}
