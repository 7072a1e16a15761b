(function(){
if(window.cbCharts)return;window.cbCharts=1;
function toggle(l){var k=l.getAttribute("data-k"),off=!l.classList.contains("off");
l.classList.toggle("off",off);l.setAttribute("aria-pressed",String(!off));
l.ownerSVGElement.querySelectorAll('.cb-s[data-k="'+k+'"]').forEach(function(s){s.classList.toggle("off",off)})}
function leg(e){return e.target.closest?e.target.closest(".cb-l"):null}
document.addEventListener("click",function(e){var l=leg(e);if(l)toggle(l)});
document.addEventListener("keydown",function(e){var l=leg(e);if(l&&(e.key==="Enter"||e.key===" ")){e.preventDefault();toggle(l)}});
function axis(s,n){return s.getAttribute(n).split(" ").map(Number)}
function inv(a,p){var t=(p-a[0])/(a[1]-a[0]);return a[4]?a[2]*Math.pow(a[3]/a[2],t):a[2]+t*(a[3]-a[2])}
function num(v,d){return String(+v.toPrecision(d||3))}
function fmt(f,v){
if(f==="ns"){var u=NS_UNITS;for(var i=0;i<u.length;i++)if(v>=u[i][0]||i==u.length-1)return num(v/u[i][0])+u[i][1]}
if(f==="pct")return "p"+num(100*(1-1/v),4);
if(f==="s")return v.toFixed(3)+" s";
return num(v,4)}
var NS="http://www.w3.org/2000/svg",cur=null;
function el(n,p){var e=document.createElementNS(NS,n);p.appendChild(e);return e}
function hide(){if(cur&&cur.cbTip)cur.cbTip.style.display="none";cur=null}
document.addEventListener("mousemove",function(e){
var s=e.target.closest?e.target.closest("svg.cb-int"):null;
if(s!==cur)hide();if(!s)return;
var m=s.getScreenCTM();if(!m)return;
var p=s.createSVGPoint();p.x=e.clientX;p.y=e.clientY;p=p.matrixTransform(m.inverse());
var X=axis(s,"data-x"),Y=axis(s,"data-y");
if(p.x<X[0]||p.x>X[1]||p.y>Y[0]||p.y<Y[1]){hide();return}
var rows=[];
s.querySelectorAll(".cb-s:not(.off) polyline").forEach(function(pl){
var best=null,d=1e9,pts=pl.points;
for(var i=0;i<pts.numberOfItems;i++){var q=pts.getItem(i),dd=Math.abs(q.x-p.x);if(dd<d){d=dd;best=q}}
if(best&&d<=15)rows.push([best.y,pl.getAttribute("data-n")+": "+fmt(s.getAttribute("data-yf"),inv(Y,best.y))])});
rows.sort(function(a,b){return a[0]-b[0]});
cur=s;var t=s.cbTip;
if(!t){t=s.cbTip=el("g",s);t.setAttribute("class","cb-tip");t.cbLine=el("line",t);t.cbBox=el("rect",t);t.cbText=el("text",t)}
t.style.display="";
t.cbLine.setAttribute("x1",p.x);t.cbLine.setAttribute("x2",p.x);t.cbLine.setAttribute("y1",Y[1]);t.cbLine.setAttribute("y2",Y[0]);
var tx=t.cbText;while(tx.firstChild)tx.removeChild(tx.firstChild);
var lines=[fmt(s.getAttribute("data-xf"),inv(X,p.x))].concat(rows.slice(0,16).map(function(r){return r[1]}));
if(rows.length>16)lines.push("… "+(rows.length-16)+" more");
lines.forEach(function(l,i){var ts=el("tspan",tx);ts.setAttribute("x",0);ts.setAttribute("dy",i?"1.25em":"1em");ts.textContent=l});
var bb=tx.getBBox(),w=bb.width+12,h=bb.height+8,x=p.x+14,y=Math.max(Y[1],Math.min(p.y-h/2,Y[0]-h));
if(x+w>X[1]+40)x=p.x-14-w;
tx.setAttribute("transform","translate("+(x+6)+","+(y+4)+")");
var r=t.cbBox;r.setAttribute("x",x);r.setAttribute("y",y);r.setAttribute("width",w);r.setAttribute("height",h)});
})();
