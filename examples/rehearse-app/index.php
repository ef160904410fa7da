<?php
// The rehearsal's app: `?ms=N` answers after N ms of wall clock, GET or POST, and says which pod served it.
// SIGQUIT to php-fpm cuts usleep() short inside running requests (FACTS.md), so loop until hrtime says so.
$start = hrtime(true);
$id = $_SERVER['HTTP_X_REQUEST_ID'] ?? '';
$pod = getenv('POD_NAME') ?: ($_SERVER['POD_NAME'] ?? 'unknown');
// Requests a worker has started are logged, so a 502 can be told apart: reset in flight, or never started.
$startedLog = getenv('REHEARSE_STARTED_LOG');
if ($startedLog && $id !== '') {
    file_put_contents($startedLog, $id . "\n", FILE_APPEND);
}
$ms = max(0, (int) ($_GET['ms'] ?? 0));
$end = $start + $ms * 1000000;
while (($now = hrtime(true)) < $end) {
    usleep((int) min(50000, ($end - $now) / 1000));
}
$body = file_get_contents('php://input');
header('Content-Type: application/json');
header('X-Served-By: ' . $pod);
echo json_encode([
    'pod' => $pod,
    'ms' => $ms,
    'elapsedMs' => (int) ((hrtime(true) - $start) / 1000000),
    'method' => $_SERVER['REQUEST_METHOD'] ?? 'GET',
    'bodyBytes' => strlen((string) $body),
    'id' => $id,
]), "\n";
