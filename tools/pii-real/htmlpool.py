"""Candidate records from HTML pages of a package (publican/DocBook books): one per paragraph (<div class="para"> or
<p> holding no other block), rendered as a text browser shows it: tags dropped, entities decoded, whitespace collapsed,
lines filled to 78 columns (words are never broken, so a name can be split only between its words).

htmlpool.py NAME PREFIX START package lang /dir/in/package FILE.html...
writes NAME.json (records keyed PREFIX<START>, ...) and prints them for reading."""
import sys,json,re,html,textwrap
from pkgs import VER,LIC
name,prefix,start,pkg,lang,d=sys.argv[1:7]
start=int(start)
PARA=re.compile(r'(?s)<(div|p)( [^>]*)?>(.*?)</\1>')
out=[];seen=set()
for fn in sys.argv[7:]:
    path='%s/%s'%(d,fn)
    raw=open('x-%s%s'%(pkg,path),encoding='utf-8').read()
    for m in PARA.finditer(raw):
        if m.group(1)=='div' and 'class="para"' not in (m.group(2) or ''): continue
        body=m.group(3)
        if re.search(r'<(div|p|pre|table|ul|ol)[\s>]',body): continue
        t=html.unescape(re.sub(r'<[^>]+>','',body))
        t=re.sub(r'\s+',' ',t).strip()
        if len(t)<20 or t in seen: continue
        seen.add(t)
        t=textwrap.fill(t,78,break_long_words=False,break_on_hyphens=False)
        out.append({'key':'%s%d'%(prefix,start+len(out)),'lang':lang,'source':'%s %s: %s'%(pkg,VER[pkg],path),
                    'licence':LIC[pkg],'sec':'para','text':t})
json.dump(out,open(name+'.json','w'),ensure_ascii=False,indent=0)
for o in out: print('%s [%s]\n%s'%(o['key'],o['source'],o['text']))
