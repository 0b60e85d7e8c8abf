"""show.py FILE.jsonl: every record's spans as the text they cover (UTF-16 offsets), to check them by eye."""
import json,sys
for line in open(sys.argv[1]):
    r=json.loads(line); t=r['text'].encode('utf-16-le')
    sub=lambda a,b: t[2*a:2*b].decode('utf-16-le')
    print(r['id'], ' | '.join('%s=%r'%(s['type'][0],sub(s['start'],s['end'])) for s in r['spans']) or '-')
