"""Candidates for records with no person: per man page, the first DESCRIPTION paragraph of 150-700 characters
with at least MINCAP (default 2) capitalised words or acronyms inside a sentence (GNU, POSIX, Debian, ...).

npool.py NAME PREFIX START 0 package:lang:man_subdir:SECTION:PAGES..."""
import sys,re,json,os
sys.argv=[sys.argv[0]]+sys.argv[1:]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)),'pool.py')).read().split('name,prefix=')[0])
name,prefix,start,N=sys.argv[1],sys.argv[2],int(sys.argv[3]),int(sys.argv[4])
out=[];seen=set()
CAP=re.compile(r'(?<=[a-zà-ÿ,;] )(?:[A-Z][A-Za-z0-9]+|[A-Z]{2,})\b')
for spec in sys.argv[5:]:
    pkg,lang,ml,secs,per=spec.split(':'); per=int(per)
    root='x-%s/usr/share/man/%s'%(pkg,ml) if ml!='C' else 'x-%s/usr/share/man'%pkg
    files=[]
    for dp,dn,fn in os.walk(root):
        if ml=='C' and os.path.dirname(dp)!=root: continue
        files+=[os.path.join(dp,f) for f in fn if f.endswith('.gz')]
    got=0
    for f in sorted(files):
        if got>=per: break
        for sec,b in sections(render(f)):
            if sec not in secs.split(','): continue
            for t in paras(b):
                caps=set(CAP.findall(t))
                if len(caps)>=int(os.environ.get("MINCAP","2")) and 150<len(t)<700 and t not in seen:
                    seen.add(t)
                    out.append({'key':'%s%d'%(prefix,start+len(out)),'lang':lang,'source':'%s %s: %s'%(pkg,VER[pkg],f.split('/',1)[1].replace('usr/','/usr/',1)),'licence':LIC[pkg],'sec':sec,'text':t})
                    got+=1; break
            if got>=per: break
json.dump(out,open(name+'.json','w'),ensure_ascii=False,indent=0)
for o in out: print('%s [%s]\n%s'%(o['key'],o['source'].split('/')[-1],o['text']))
